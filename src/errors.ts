/** An error meant for the user: printed as its message alone, no stack trace. */
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'UserError';
  }
}

/** Bad input (inventory, flags): exit code 2. */
export class InputError extends UserError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'InputError';
  }
}
