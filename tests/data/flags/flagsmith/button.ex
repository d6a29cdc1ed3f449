defmodule Shop.Button do
  def show?(flags) do
    Flagsmith.Client.is_feature_enabled(flags, "elixir-secret-button")
  end

  def colour(flags) do
    flags |> Flagsmith.Client.get_feature_value("elixir-button-colour")
  end
end
