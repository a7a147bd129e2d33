declare module 'autocannon/lib/httpClient.js' {
  const Client: unknown;
  export default Client;
}
