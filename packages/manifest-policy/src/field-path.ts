/** Field paths as a reader writes them: `spec.containers[0].name`, `annotations["prometheus.io/port"]`. */
export function appendField(path: string, key: string): string {
  if (!/^[A-Za-z_$][\w$-]*$/.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
}

export function appendIndex(path: string, index: number): string {
  return `${path}[${index}]`;
}
