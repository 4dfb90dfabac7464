// Its own file so that parsing the flags loads neither kafkajs nor the Kafka adapter (and with it the monitor).
/** `host:port,host:port` as kafkajs wants it; throws on an empty or malformed list. */
export function brokerList(text: string): string[] {
  const brokers = text.split(',').map((b) => b.trim()).filter((b) => b !== '');
  const bad = brokers.find((b) => !/^[^:\s]+:\d{1,5}$/.test(b));
  if (brokers.length === 0 || bad !== undefined) throw new Error(`brokers: expected host:port[,host:port…], got '${text}'`);
  return brokers;
}
