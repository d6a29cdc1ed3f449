defmodule Shop.Header do
  def show?(user_id), do: PostHog.FeatureFlags.check("elixir-new-header", user_id)
end
