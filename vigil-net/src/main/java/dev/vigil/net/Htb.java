package dev.vigil.net;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One HTB root qdisc with one leaf class on one interface, made with iproute2's tc: libbpf has
 * no netlink API for qdiscs or classes. The qdisc is only created where the root is the
 * device's default (noqueue, or nothing shown); a root qdisc someone else made is never
 * replaced, and only a qdisc this instance created is deleted.
 *
 * On the host side of a veth (what the container receives) the TC program picks the class by
 * setting skb->priority to the class id; traffic it does not classify bypasses shaping. Inside
 * the container's network namespace (what the container sends) no Vigil program runs on that
 * device, so the class is HTB's default one.
 */
final class Htb implements AutoCloseable {
    /**
     * Qdisc major "VI". Class :1 holds the ceil (rate = ceil), its child :2 the container's
     * guaranteed rate, borrowing from :1 up to the ceil: HTB lends only from a parent, so a lone
     * class's ceil would mean nothing.
     */
    static final int MAJOR = 0x5649;
    static final int CLASSID = MAJOR << 16 | 2;

    private final Path netns; // null: the host's namespace
    private final String ifname;
    private boolean created;

    private Htb(Path netns, String ifname) {
        this.netns = netns;
        this.ifname = ifname;
    }

    /** Shapes {@code ifname} to rate/ceil (bits/s); classifies by default when {@code defaultClass}. */
    static Htb create(Path netns, String ifname, long rateBits, long ceilBits, boolean defaultClass) {
        Htb h = new Htb(netns, ifname);
        String root = Commands.check(h.tc("qdisc", "show", "dev", ifname, "root")).strip();
        boolean ours = root.startsWith("qdisc htb " + Integer.toHexString(MAJOR) + ":");
        if (!ours && !(root.isEmpty() || root.startsWith("qdisc noqueue") || root.startsWith("qdisc pfifo_fast 0:")
                || root.startsWith("qdisc mq 0:"))) {
            throw new IllegalStateException("interface " + ifname + " has a root qdisc Vigil did not create (" + root.lines().findFirst().orElse("")
                    + "); bandwidth limits are not applied there");
        }
        if (!ours) {
            List<String> add = new ArrayList<>(h.tc("qdisc", "add", "dev", ifname, "root", "handle", Integer.toHexString(MAJOR) + ":", "htb"));
            if (defaultClass) add.addAll(List.of("default", "2"));
            Commands.check(add);
            h.created = true;
        }
        try {
            h.setRate(rateBits, ceilBits);
        } catch (RuntimeException e) {
            h.close();
            throw e;
        }
        return h;
    }

    void setRate(long rateBits, long ceilBits) {
        String major = Integer.toHexString(MAJOR);
        Commands.check(tc("class", "replace", "dev", ifname, "parent", major + ":", "classid", major + ":1",
                "htb", "rate", ceilBits + "bit", "ceil", ceilBits + "bit", "burst", burst(ceilBits), "cburst", burst(ceilBits)));
        Commands.check(tc("class", "replace", "dev", ifname, "parent", major + ":1", "classid", major + ":2",
                "htb", "rate", rateBits + "bit", "ceil", ceilBits + "bit", "burst", burst(rateBits), "cburst", burst(ceilBits)));
    }

    /**
     * 10 ms worth of bytes, at least 64 KB (one GSO packet): tc's default (rate / HZ) is so small
     * that a dequeue timer firing late on a busy host costs real throughput.
     */
    static String burst(long bits) {
        return Math.max(bits / 8 / 100, 65_536) + "b";
    }

    private List<String> tc(String... args) {
        List<String> cmd = new ArrayList<>();
        if (netns != null) cmd.addAll(List.of("nsenter", "--net=" + netns));
        cmd.add("tc");
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Override
    public void close() {
        if (!created) return;
        created = false;
        // The device may be gone with its container; nothing is left to delete then.
        Commands.run(tc("qdisc", "del", "dev", ifname, "root", "handle", Integer.toHexString(MAJOR) + ":", "htb"));
    }

    @Override
    public String toString() {
        return "HTB " + Integer.toHexString(MAJOR) + ": on " + ifname + (netns == null ? "" : " in " + netns);
    }
}
