# Generated from package.json by `npm run gen`. Do not edit.
__version__ = "0.1.0"
