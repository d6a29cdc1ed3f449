import dev.openfeature.sdk.*;

class Theme {
    String pick(Client client) {
        boolean dark = client.getBooleanValue("java-of-dark", false);
        return dark ? client.getStringValue("java-of-palette", "night") : "day";
    }
}
