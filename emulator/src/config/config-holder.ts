import { FieldCatalogue } from "../store/field-catalogue.ts";
import { isObject, mergePatch, ConfigError } from "./config-error.ts";
import type { EmulatorConfig } from "./emulator-config.ts";
import { validateConfig, type FaultCodeCheck } from "./validate-config.ts";

/**
 * The emulator's live configuration. Updates are validated as a whole before they replace
 * the current config, so a rejected patch changes nothing.
 */
export class ConfigHolder {
  readonly #defaults: EmulatorConfig;
  readonly #isKnownFaultCode: FaultCodeCheck;
  #current: EmulatorConfig;
  #fields: FieldCatalogue;

  constructor(defaults: EmulatorConfig, isKnownFaultCode: FaultCodeCheck) {
    this.#isKnownFaultCode = isKnownFaultCode;
    this.#defaults = validateConfig(structuredClone(defaults), isKnownFaultCode);
    this.#current = structuredClone(this.#defaults);
    this.#fields = new FieldCatalogue(this.#current.customFields);
  }

  /** The live config. Only the fault injector mutates it in place (it consumes the queue). */
  get current(): EmulatorConfig {
    return this.#current;
  }

  /** Standard fields plus the configured custom fields. */
  get fields(): FieldCatalogue {
    return this.#fields;
  }

  /** Merges a JSON patch into the config (objects merge, arrays replace) and returns the result. */
  update(patch: unknown): EmulatorConfig {
    if (!isObject(patch)) {
      throw new ConfigError("config patch: expected a JSON object such as {\"workspacesEnabled\": true}");
    }
    const next = validateConfig(mergePatch(structuredClone(this.#current), patch), this.#isKnownFaultCode);
    this.#current = next;
    this.#fields = new FieldCatalogue(next.customFields);
    return next;
  }

  /** Restores the config the emulator started with. */
  reset(): void {
    this.#current = structuredClone(this.#defaults);
    this.#fields = new FieldCatalogue(this.#current.customFields);
  }
}
