import { useBooleanFlagValue, useFlag } from '@openfeature/react-sdk';

export function Message() {
  const showNewMessage = useBooleanFlagValue('of-new-message', false);
  const { value: tone } = useFlag('of-message-tone', 'friendly');
  return showNewMessage ? <p>{tone}</p> : null;
}
