// The Dagger SDK's types that gostatic's public options and results name.
// @dagger.io/dagger is an optional peer dependency: where it is installed
// these are its own classes; where it is not, the import resolves to nothing
// and they are `any`, so a project without the SDK still type-checks
// gostatic's declarations with skipLibCheck: false. This file is written by
// hand and copied into dist/ (scripts/build-dist.mjs), because tsc drops the
// comment that allows a missing module from the declarations it emits.
// @ts-ignore -- optional peer dependency: without it these types are `any`
import type { Client, Container, Directory } from '@dagger.io/dagger'

/** `dag` of a Dagger connection. */
export type DaggerClient = Client
/** A Dagger container, e.g. a runtime image to compose further. */
export type DaggerContainer = Container
/** A Dagger directory, e.g. sources to build from. */
export type DaggerDirectory = Directory
