// Every line the code logs during a test file, so tests can prove no participant text leaks.
export const capturedLogs: string[] = [];
