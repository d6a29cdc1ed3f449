defmodule Shop.Awesome do
  def enabled?, do: ConfigCat.get_value("elixirAwesomeFeature", false)
end
