from waffle.testutils import override_flag


@override_flag('new_checkout', active=True)
def test_new_checkout(client):
    assert client.get('/checkout/').status_code == 200
