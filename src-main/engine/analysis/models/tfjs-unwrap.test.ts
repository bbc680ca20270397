import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../base/project-root.ts';
import { parseLiteral, unwrapModelJson, unwrapModule, unwrapShard } from './tfjs-unwrap.ts';

/** A bundler-style wrapper like the ones packages ship: a loader prelude, then one data module. */
const wrap = (literal: string) =>
  `!function(e){"object"==typeof exports?module.exports=e():this.model=e()}(function(){return function e(a,n,i){var r=n[_]={exports:{}};return r}({1:[function(t,e,a){e.exports=${literal}},{}]},{},[1])(1)});`;

describe('tfjs-unwrap: wrapped tfjs model files back to plain ones', () => {
  it('parses minified literals: bare keys, !0/!1, leading-dot numbers, escapes', () => {
    const { value } = parseLiteral(`{a:!0,b:!1,"c d":[.5,-1e-3,12,null],e:'x\\"y\\u0041',f:{}}`);
    expect(value).toEqual({ a: true, b: false, 'c d': [0.5, -0.001, 12, null], e: 'x"yA', f: {} });
  });

  it('refuses code where data should be', () => {
    expect(() => unwrapModule(wrap('{a:require("fs")}'))).toThrow(/expected a number/);
    expect(() => unwrapModule('module.exports=e()')).toThrow(/no `.exports = <literal>`/);
    expect(() => unwrapModule(`${wrap('{}')}${wrap('{}')}`)).toThrow(/more than one/);
  });

  it('rewrites the weight groups to one joined file, in shard order', () => {
    const model = `{format:"graph-model",modelTopology:{node:[]},weightsManifest:[{paths:["g1-1","g1-2"],weights:[{name:"a",shape:[2],dtype:"float32"}]},{paths:["g2"],weights:[{name:"b",shape:[1],dtype:"float32"}]}]}`;
    const json = JSON.parse(unwrapModelJson(wrap(model), 'm.bin'));
    expect(json.weightsManifest).toEqual([{ paths: ['m.bin'], weights: [{ name: 'a', shape: [2], dtype: 'float32' }, { name: 'b', shape: [1], dtype: 'float32' }] }]);
    expect(json.format).toBe('graph-model');
  });

  it('decodes a base64 shard and rejects a non-base64 one', () => {
    expect([...unwrapShard(wrap('"AAEC/w=="'))]).toEqual([0, 1, 2, 255]);
    expect(() => unwrapShard(wrap('"not base64!"'))).toThrow(/not a base64 string/);
  });

  it('the fetched nsfwjs model.json matches its weight file byte for byte', async () => {
    // Written by the bundled-model fetch (`npm test` runs it first, as `npm start` does): the recovered
    // manifest must describe exactly the recovered bytes (uint8-quantised weights: one byte per value).
    const dir = path.join(projectRoot, 'models', 'weights');
    const json = JSON.parse(await readFile(path.join(dir, 'nsfwjs-mobilenet-v2-mid.json'), 'utf8'));
    const bin = await readFile(path.join(dir, 'nsfwjs-mobilenet-v2-mid.bin'));
    const bytesPer = (w: { dtype: string; quantization?: { dtype: string } }) => (w.quantization ? (w.quantization.dtype === 'uint8' ? 1 : 2) : 4);
    const described = json.weightsManifest[0].weights.reduce((n: number, w: { shape: number[]; dtype: string }) => n + w.shape.reduce((a, b) => a * b, 1) * bytesPer(w), 0);
    expect(described).toBe(bin.length);
    expect(json.weightsManifest[0].paths).toEqual(['nsfwjs-mobilenet-v2-mid.bin']);
    expect(createHash('sha256').update(bin).digest('hex')).toBe('fee38f0bcbad1a223b8301c014bbf78984365aef5ab08fc3289ed4229ab67f0e');
  });
});
