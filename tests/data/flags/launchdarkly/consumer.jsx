import { withLDConsumer } from 'launchdarkly-react-client-sdk';

class Checkout extends React.Component {
  render() {
    const enabled = this.props.flags['hoc-new-checkout'];
    return enabled ? <NewCheckout /> : <OldCheckout />;
  }
}

export default withLDConsumer()(Checkout);
