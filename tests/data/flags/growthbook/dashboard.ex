defmodule Shop.Dashboard do
  def render(gb) do
    if GrowthBook.feature_on?(gb, "elixir-dark-mode"), do: :dark, else: :light
  end
end
