import { findChild, isNil, type XmlElement } from "../xml/xml-element.ts";
import { SoapFault } from "./soap-fault.ts";

/** Reads an xs:boolean (`true`, `false`, `1`, `0`, surrounding whitespace allowed). */
export function readBoolean(text: string, path: string): boolean {
  const value = text.trim();
  if (value === "true" || value === "1") {
    return true;
  }
  if (value === "false" || value === "0") {
    return false;
  }
  throw new SoapFault(20110, `${path} '${text}' is not an xs:boolean; send true or false`);
}

/** Reads an xs:int (signed 32-bit). */
export function readInt(text: string, path: string): number {
  const value = text.trim();
  const number = Number(value);
  if (!/^[+-]?\d+$/.test(value) || number < -2_147_483_648 || number > 2_147_483_647) {
    throw new SoapFault(20110, `${path} '${text}' is not an xs:int; send a whole number within the signed 32-bit range`);
  }
  return number;
}

/** Reads a required simple element; a missing, nil or empty element raises `code` (20109 by default). */
export function requireText(parent: XmlElement, localName: string, path: string, code = 20109): string {
  const element = findChild(parent, localName);
  if (element === undefined || isNil(element) || element.text === "") {
    throw new SoapFault(code, `missing ${path}; it is required`);
  }
  return element.text;
}
