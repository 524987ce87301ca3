import { randomDigits } from './random.js';

/*
 * CPF and CNPJ both end in two mod-11 check digits. Each check digit is the
 * weighted sum of the preceding digits, reduced mod 11: a remainder below 2
 * gives 0, otherwise the digit is 11 - remainder. The second check digit also
 * covers the first one, so its weight list is one longer.
 */

// CPF: weights count down from 10 (first check) or 11 (second check) to 2.
const CPF_WEIGHTS_1 = [10, 9, 8, 7, 6, 5, 4, 3, 2];
const CPF_WEIGHTS_2 = [11, 10, 9, 8, 7, 6, 5, 4, 3, 2];

// CNPJ: weights cycle 2..9 from the right, which reads 5..2,9..2 from the left.
const CNPJ_WEIGHTS_1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
const CNPJ_WEIGHTS_2 = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];

function mod11CheckDigit(digits: string, weights: readonly number[]): string {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    sum += Number(digits[i]) * (weights[i] as number);
  }
  const remainder = sum % 11;
  return String(remainder < 2 ? 0 : 11 - remainder);
}

function allSameDigit(s: string): boolean {
  return /^(\d)\1*$/.test(s);
}

function withCheckDigits(base: string, weights1: readonly number[], weights2: readonly number[]): string {
  const first = mod11CheckDigit(base, weights1);
  return base + first + mod11CheckDigit(base + first, weights2);
}

/** True for an 11-digit CPF with correct check digits (digits only, no punctuation). */
export function isValidCpf(s: string): boolean {
  // Repeated-digit strings such as 11111111111 pass the arithmetic but are not issued.
  if (!/^\d{11}$/.test(s) || allSameDigit(s)) {
    return false;
  }
  return withCheckDigits(s.slice(0, 9), CPF_WEIGHTS_1, CPF_WEIGHTS_2) === s;
}

/** True for a 14-digit CNPJ with correct check digits (digits only, no punctuation). */
export function isValidCnpj(s: string): boolean {
  if (!/^\d{14}$/.test(s) || allSameDigit(s)) {
    return false;
  }
  return withCheckDigits(s.slice(0, 12), CNPJ_WEIGHTS_1, CNPJ_WEIGHTS_2) === s;
}

/** Chooses the rule by length: 11 digits is a CPF, 14 digits a CNPJ. */
export function isValidCpfOrCnpj(s: string): boolean {
  return isValidCpf(s) || isValidCnpj(s);
}

/** A random valid CPF, 11 digits. */
export function randomCpf(): string {
  for (;;) {
    const cpf = withCheckDigits(randomDigits(9), CPF_WEIGHTS_1, CPF_WEIGHTS_2);
    if (!allSameDigit(cpf)) {
      return cpf;
    }
  }
}

/**
 * A random valid CNPJ, 14 digits: 8-digit company root, branch 0001 (the head
 * office, by far the most common in payments), then the check digits.
 */
export function randomCnpj(): string {
  return withCheckDigits(randomDigits(8) + '0001', CNPJ_WEIGHTS_1, CNPJ_WEIGHTS_2);
}
