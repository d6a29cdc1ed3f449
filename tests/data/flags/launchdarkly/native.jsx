import { useBoolVariation, useStringVariation } from '@launchdarkly/react-native-client-sdk';

export default function Welcome() {
  const darkMode = useBoolVariation('dark-mode', false);
  const greeting = useStringVariation('greeting-text', 'Hello');
  return <Text style={darkMode ? styles.dark : styles.light}>{greeting}</Text>;
}
