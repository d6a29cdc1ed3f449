class SearchController < ApplicationController
  def index
    if Flipper.enabled?(:new_search, current_user)
      render :new_index
    end
    Flipper.enable :search_logging
    @billing = Flipper[:billing_v2].enabled?
    @legacy = flipper.enabled?("legacy-search")
  end

  def rollout
    Flipper.enable_actor :search_beta, current_user
    Flipper.enable_group :search_admin_tools, :admins
    Flipper.enable_percentage_of_actors :search_ranking, 25
    Flipper.disable_percentage_of_time :search_cache_bypass
    Flipper.enable_expression :search_pro, Flipper.property(:plan).eq("pro")
  end
end
