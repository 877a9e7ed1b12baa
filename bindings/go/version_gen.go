// Code generated from package.json by npm run gen. DO NOT EDIT.

package asession

// Version is this binding's version, the same as the engine it embeds.
const Version = "0.1.0"
