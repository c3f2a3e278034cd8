// The slices of the OCI image spec that every reader and writer here shares.
export type OciPlatform = { os: string; architecture: string; variant?: string }

/** The image config's `config` object, as far as gostatic writes it. */
export type OciImageConfig = {
  Entrypoint?: string[]
  Cmd?: string[]
  Env?: string[]
  User?: string
  WorkingDir?: string
  ExposedPorts?: Record<string, {}>
  Labels?: Record<string, string>
}
