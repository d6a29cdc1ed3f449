defmodule Shop.Checkout do
  def treatment(user_key) do
    many = Split.get_treatments(user_key, ["elixir-header", "elixir-footer"])
    {Split.get_treatment(user_key, "elixir-checkout"), many}
  end
end
