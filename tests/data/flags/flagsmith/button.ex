defmodule Shop.Button do
  def show?(flags) do
    Flagsmith.Client.is_feature_enabled(flags, "elixir-secret-button")
  end
end
