// One msw server for the whole suite: any vendor request without a handler fails the test.
import { setupServer } from "msw/node";

export const server = setupServer();
