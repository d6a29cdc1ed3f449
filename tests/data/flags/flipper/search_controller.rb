class SearchController < ApplicationController
  def index
    if Flipper.enabled?(:new_search, current_user)
      render :new_index
    end
    Flipper.enable :search_logging
    @billing = Flipper[:billing_v2].enabled?
    @legacy = flipper.enabled?("legacy-search")
  end
end
