import io.getunleash.Unleash;

class Checkout {
    boolean fast(Unleash unleash) {
        return unleash.isEnabled("java-fast-checkout") && unleash.getVariant("java-variant").isEnabled();
    }
}
