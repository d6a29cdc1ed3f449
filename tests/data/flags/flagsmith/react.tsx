import { useFlags } from 'flagsmith/react';

export function Header() {
  const flags = useFlags(['react-header', 'react_banner']);
  return flags.react_header.enabled ? <h1>New</h1> : <h1>Old</h1>;
}
