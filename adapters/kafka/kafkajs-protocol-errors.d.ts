// kafkajs's table of broker error codes (CommonJS, without types of its own); kafkajs is pinned.
declare module 'kafkajs/src/protocol/error.js' {
  const protocolErrors: {
    readonly errorCodes: ReadonlyArray<{ readonly type: string; readonly code: number; readonly retriable: boolean; readonly message: string }>;
  };
  export default protocolErrors;
}
