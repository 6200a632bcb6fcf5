// Wording of counts for people: "1 new document", "3 new documents", "0 spans".

/** `n` and the noun for that many: `count(1, "span")` is "1 span", `count(2, "span")` "2 spans". */
export function count(n: number | bigint, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en")} ${Number(n) === 1 ? one : many}`;
}
