module Lem.Dsl.Placeholder
let version = "0.1.0"
