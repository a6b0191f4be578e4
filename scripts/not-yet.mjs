// Placeholder for contract commands whose code a later issue brings. It says so and fails, rather than
// pretending to work.
const [, , command, arrivesWith] = process.argv;
console.error(`npm run ${command}: not implemented yet; it arrives with ${arrivesWith}.`);
process.exit(1);
