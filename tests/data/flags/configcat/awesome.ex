defmodule Shop.Awesome do
  def enabled?, do: ConfigCat.get_value("elixirAwesomeFeature", false)

  def details(user), do: ConfigCat.get_value_details("elixirDetailsFeature", false, user)
end
