package dev.vigil.net.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/** An IPv4 or IPv6 prefix; host bits must be zero, so that what is written is what matches. */
public record Cidr(int family, byte[] address, int prefixLength) {
    private static final Pattern V4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern V6 = Pattern.compile("[0-9a-fA-F:.]+");

    public static final Cidr ANY4 = new Cidr(4, new byte[4], 0);
    public static final Cidr ANY6 = new Cidr(6, new byte[16], 0);

    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        boolean v4 = V4.matcher(addr).matches();
        // InetAddress.getByName would resolve host names: only literals get that far.
        if (!v4 && !(addr.contains(":") && V6.matcher(addr).matches())) {
            throw new IllegalArgumentException("\"" + text + "\" is not an IPv4 or IPv6 address or prefix");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(addr).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not an IPv4 or IPv6 address or prefix");
        }
        if (!v4 && bytes.length == 4) throw new IllegalArgumentException("\"" + text + "\": write IPv4-mapped addresses as IPv4");
        int max = bytes.length * 8;
        int len;
        try {
            len = slash < 0 ? max : Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + text + "\": prefix length is not a number");
        }
        if (len < 0 || len > max) throw new IllegalArgumentException("\"" + text + "\": prefix length must be 0.." + max);
        for (int bit = len; bit < max; bit++) {
            if ((bytes[bit / 8] & (0x80 >> (bit % 8))) != 0) {
                throw new IllegalArgumentException("\"" + text + "\" has host bits set beyond /" + len);
            }
        }
        return new Cidr(bytes.length == 4 ? 4 : 6, bytes, len);
    }

    /** True when every address of {@code other} is in this prefix. */
    public boolean covers(Cidr other) {
        if (other.family != family || other.prefixLength < prefixLength) return false;
        for (int bit = 0; bit < prefixLength; bit++) {
            int mask = 0x80 >> (bit % 8);
            if ((address[bit / 8] & mask) != (other.address[bit / 8] & mask)) return false;
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.family == family && c.prefixLength == prefixLength && Arrays.equals(c.address, address);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(address) * 31 + prefixLength;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(address).getHostAddress() + "/" + prefixLength;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
