import ldclient
from ldclient import Context

context = Context.builder("user-key-123").kind("user").build()
show_search = ldclient.get().variation("new-search", context, False)
ranking = ldclient.get().variation_detail('search-ranking', context, "classic")
