// e2e suites drive whole cases through a real app (deadlines fire under TIME_ACCELERATION)
jest.setTimeout(60_000);
