/**
 * Gateway entry point. The GraphQL server arrives with the read API (issue 4); until then `npm start`
 * says so plainly instead of pretending. `npm run sandbox` already serves the three provider sandboxes.
 */
console.error(
  'The Pasarela gateway is not built yet (it arrives with the GraphQL read API, issue 4).\n' +
    'Meanwhile `npm run sandbox` serves the TelePagos, Talo and Tupay sandboxes on ports 4101-4103.',
);
process.exit(1);
