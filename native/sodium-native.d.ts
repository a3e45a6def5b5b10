// sodium-native ships no types; native/sodium.ts gives the subset we use its types.
declare module "sodium-native";
