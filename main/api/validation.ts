// Params are validated on every request. Results and event payloads are validated too when
// WORKBENCH_VALIDATE_RESULTS=1 (the test suites set it): the types already guarantee their shape, and
// checking every large page of images at run time would cost the user for nothing.
export function shouldValidateResults(): boolean {
  return process.env.WORKBENCH_VALIDATE_RESULTS === '1'
}
