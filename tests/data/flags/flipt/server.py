from flipt import FliptClient
from flipt.evaluation import EvaluationRequest

flipt_client = FliptClient()

result = flipt_client.evaluation.boolean(
    EvaluationRequest(
        namespace_key="default",
        flag_key="py-server-checkout",
        entity_id="user-123",
        context={},
    )
)
