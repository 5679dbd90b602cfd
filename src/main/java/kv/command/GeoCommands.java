package kv.command;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import kv.engine.Call;
import kv.engine.CommandTable;
import kv.engine.Errors;
import kv.store.SortedSet;
import kv.store.ZsetCursor;
import kv.util.Numbers;

/**
 * The geo family, as Redis' geo.c: points are sorted-set members scored by their 52-bit geohash
 * (GEOADD is a ZADD and propagates as one), searches filter by haversine distance or box.
 *
 * <p>A search scans the score ranges of the nine geohash cells around the centre, as Redis does,
 * so even unsorted results come in Redis' order.
 */
final class GeoCommands {
    private static final byte[] ZADD = "ZADD".getBytes(StandardCharsets.US_ASCII);

    /** Which command is parsing (Redis' flags). */
    private enum Kind { RADIUS, RADIUS_RO, BY_MEMBER, BY_MEMBER_RO, SEARCH, SEARCH_STORE }

    private GeoCommands() {
    }

    static void register(CommandTable t) {
        t.register("geoadd", GeoCommands::geoadd);
        t.register("geopos", GeoCommands::geopos);
        t.register("geohash", GeoCommands::geohash);
        t.register("geodist", GeoCommands::geodist);
        t.register("georadius", c -> search(c, 1, Kind.RADIUS));
        t.register("georadius_ro", c -> search(c, 1, Kind.RADIUS_RO));
        t.register("georadiusbymember", c -> search(c, 1, Kind.BY_MEMBER));
        t.register("georadiusbymember_ro", c -> search(c, 1, Kind.BY_MEMBER_RO));
        t.register("geosearch", c -> search(c, 1, Kind.SEARCH));
        t.register("geosearchstore", c -> search(c, 2, Kind.SEARCH_STORE));
    }

    /** Arguments i, i+1 as a valid longitude, latitude pair. */
    private static double[] longLat(Call c, int i) {
        double lon = ZsetArgs.doubleArg(c, i);
        double lat = ZsetArgs.doubleArg(c, i + 1);
        if (!GeoHash.validLongLat(lon, lat)) {
            throw c.error(String.format(java.util.Locale.ROOT, "ERR invalid longitude,latitude pair %f,%f", lon, lat));
        }
        return new double[] {lon, lat};
    }

    private static void geoadd(Call c) {
        int longIdx = 2;
        boolean xx = false;
        boolean nx = false;
        for (; longIdx < c.argc(); longIdx++) {
            if (c.is(longIdx, "nx")) {
                nx = true;
            } else if (c.is(longIdx, "xx")) {
                xx = true;
            } else if (!c.is(longIdx, "ch")) {
                break;
            }
        }
        if ((c.argc() - longIdx) % 3 != 0 || (xx && nx)) {
            throw c.error(Errors.SYNTAX);
        }
        int elements = (c.argc() - longIdx) / 3;
        byte[][] zadd = new byte[longIdx + elements * 2][];
        zadd[0] = ZADD;
        for (int i = 1; i < longIdx; i++) {
            zadd[i] = c.arg(i);
        }
        for (int i = 0; i < elements; i++) {
            double[] xy = longLat(c, longIdx + i * 3);
            zadd[longIdx + i * 2] = Numbers.toBytes(GeoHash.score(xy[0], xy[1]));
            zadd[longIdx + i * 2 + 1] = c.arg(longIdx + i * 3 + 2);
        }
        if (SortedSetCommands.zadd(c, zadd, 2, false)) {
            c.propagate(zadd);
        }
    }

    /** The decoded position of {@code member}, or null. */
    private static double[] position(SortedSet z, byte[] member) {
        double score = z == null ? Double.NaN : z.score(member);
        return Double.isNaN(score) ? null : GeoHash.decode((long) score);
    }

    private static void geopos(Call c) {
        SortedSet z = ZsetArgs.read(c, c.arg(1));
        c.reply().array(c.argc() - 2);
        for (int i = 2; i < c.argc(); i++) {
            double[] xy = position(z, c.arg(i));
            if (xy == null) {
                c.reply().nullArray();
            } else {
                c.reply().array(2);
                c.reply().doubleText(GeoHash.coordinateText(xy[0]));
                c.reply().doubleText(GeoHash.coordinateText(xy[1]));
            }
        }
    }

    private static void geohash(Call c) {
        SortedSet z = ZsetArgs.read(c, c.arg(1));
        c.reply().array(c.argc() - 2);
        for (int i = 2; i < c.argc(); i++) {
            double[] xy = position(z, c.arg(i));
            if (xy == null) {
                c.reply().nullBulk();
            } else {
                c.reply().bulkText(GeoHash.standardHash(xy[0], xy[1]));
            }
        }
    }

    /** Meters per unit, or the unit error. */
    private static double unit(Call c, int i) {
        if (c.is(i, "m")) {
            return 1;
        } else if (c.is(i, "km")) {
            return 1000;
        } else if (c.is(i, "ft")) {
            return 0.3048;
        } else if (c.is(i, "mi")) {
            return 1609.34;
        }
        throw c.error("ERR unsupported unit provided. please use M, KM, FT, MI");
    }

    private static void geodist(Call c) {
        double toMeters = 1;
        if (c.argc() == 5) {
            toMeters = unit(c, 4);
        } else if (c.argc() > 5) {
            throw c.error(Errors.SYNTAX);
        }
        SortedSet z = ZsetArgs.read(c, c.arg(1));
        double[] a = position(z, c.arg(2));
        double[] b = position(z, c.arg(3));
        if (a == null || b == null) {
            c.reply().nullBulk();
            return;
        }
        c.reply().bulkText(GeoHash.distanceText(GeoHash.distance(a[0], a[1], b[0], b[1]) / toMeters));
    }

    /** The search area: a circle (radius) or a box (width, height), all in the request's unit. */
    private static final class Shape {
        double lon;
        double lat;
        double conversion;
        boolean box;
        double radius;
        double width;
        double height;

        /** Distance in meters from the centre if (lon, lat) is inside, else -1. */
        double distanceIfInside(double plon, double plat) {
            if (!box) {
                double d = GeoHash.distance(lon, lat, plon, plat);
                return d > radius * conversion ? -1 : d;
            }
            if (GeoHash.latDistance(plat, lat) > height * conversion / 2) {
                return -1;
            }
            if (GeoHash.distance(plon, plat, lon, plat) > width * conversion / 2) {
                return -1;
            }
            return GeoHash.distance(lon, lat, plon, plat);
        }
    }

    private record Point(byte[] member, double score, double lon, double lat, double dist) {
    }

    /**
     * Redis' membersOfAllNeighbors: scans the score ranges of the nine cells around the centre in
     * Redis' order (so unsorted results come out as Redis sends them), skipping a cell equal to
     * the one scanned just before, keeping points inside the shape, stopping at {@code limit}
     * (ANY) when non-zero.
     */
    private static void collect(SortedSet z, Shape shape, long limit, List<Point> found) {
        double halfW = shape.conversion * (shape.box ? shape.width / 2 : shape.radius);
        double halfH = shape.conversion * (shape.box ? shape.height / 2 : shape.radius);
        double radius = shape.conversion * (shape.box
                ? Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2)) : shape.radius);
        GeoHash.Cell[] cells = GeoHash.searchCells(shape.lon, shape.lat, halfW, halfH, radius);
        int last = 0;
        for (int i = 0; i < cells.length; i++) {
            GeoHash.Cell cell = cells[i];
            if (cell.step() == 0 && cell.bits() == 0) {
                continue;
            }
            if (last != 0 && cell.equals(cells[last])) {
                continue;
            }
            if (!found.isEmpty() && limit != 0 && found.size() >= limit) {
                break;
            }
            double max = cell.maxScore();
            int from = z.firstRankByScore(cell.minScore(), false);
            for (ZsetCursor cur = from < z.size() ? z.cursor(from, false) : null; cur != null && cur.valid(); cur.advance()) {
                double score = cur.score();
                if (score >= max) {
                    break;
                }
                double[] xy = GeoHash.decode((long) score);
                double d = shape.distanceIfInside(xy[0], xy[1]);
                if (d >= 0) {
                    found.add(new Point(cur.member(), score, xy[0], xy[1], d));
                    if (limit != 0 && found.size() >= limit) {
                        break;
                    }
                }
            }
            last = i;
        }
    }

    private static void radius(Call c, int i, Shape shape) {
        double r = ZsetArgs.doubleArg(c, i, "ERR need numeric radius");
        if (r < 0) {
            throw c.error("ERR radius cannot be negative");
        }
        shape.radius = r;
        shape.conversion = unit(c, i + 1);
        shape.box = false;
    }

    private static void search(Call c, int srcIdx, Kind kind) {
        SortedSet z = ZsetArgs.read(c, c.arg(srcIdx));
        Shape shape = new Shape();
        byte[] storeKey = null;
        boolean storeDist = false;
        boolean geosearch = kind == Kind.SEARCH || kind == Kind.SEARCH_STORE;
        boolean noStore = kind == Kind.RADIUS_RO || kind == Kind.BY_MEMBER_RO;
        int base;
        switch (kind) {
            case RADIUS, RADIUS_RO -> {
                base = 6;
                double[] xy = longLat(c, 2);
                shape.lon = xy[0];
                shape.lat = xy[1];
                radius(c, base - 2, shape);
            }
            case BY_MEMBER, BY_MEMBER_RO -> {
                base = 5;
                if (z != null) {
                    double[] xy = position(z, c.arg(2));
                    if (xy == null) {
                        throw c.error("ERR could not decode requested zset member");
                    }
                    shape.lon = xy[0];
                    shape.lat = xy[1];
                    radius(c, base - 2, shape);
                }
            }
            default -> {
                base = kind == Kind.SEARCH_STORE ? 3 : 2;
                if (kind == Kind.SEARCH_STORE) {
                    storeKey = c.arg(1);
                }
            }
        }
        boolean withDist = false;
        boolean withHash = false;
        boolean withCoord = false;
        boolean fromMember = false;
        boolean fromLoc = false;
        boolean byRadius = false;
        boolean byBox = false;
        int sort = 0; // 0 none, 1 asc, -1 desc
        boolean any = false;
        long count = 0;
        int remaining = c.argc() - base;
        for (int i = 0; i < remaining; i++) {
            int a = base + i;
            if (c.is(a, "withdist")) {
                withDist = true;
            } else if (c.is(a, "withhash")) {
                withHash = true;
            } else if (c.is(a, "withcoord")) {
                withCoord = true;
            } else if (c.is(a, "any")) {
                any = true;
            } else if (c.is(a, "asc")) {
                sort = 1;
            } else if (c.is(a, "desc")) {
                sort = -1;
            } else if (c.is(a, "count") && i + 1 < remaining) {
                count = c.longArg(a + 1);
                if (count <= 0) {
                    throw c.error("ERR COUNT must be > 0");
                }
                i++;
            } else if ((c.is(a, "store") || c.is(a, "storedist")) && i + 1 < remaining && !noStore && !geosearch) {
                storeKey = c.arg(a + 1);
                storeDist = c.is(a, "storedist");
                i++;
            } else if (c.is(a, "storedist") && kind == Kind.SEARCH_STORE) {
                storeDist = true;
            } else if (c.is(a, "frommember") && i + 1 < remaining && geosearch && !fromLoc) {
                if (z != null) {
                    double[] xy = position(z, c.arg(a + 1));
                    if (xy == null) {
                        throw c.error("ERR could not decode requested zset member");
                    }
                    shape.lon = xy[0];
                    shape.lat = xy[1];
                }
                fromMember = true;
                i++;
            } else if (c.is(a, "fromlonlat") && i + 2 < remaining && geosearch && !fromMember) {
                double[] xy = longLat(c, a + 1);
                shape.lon = xy[0];
                shape.lat = xy[1];
                fromLoc = true;
                i += 2;
            } else if (c.is(a, "byradius") && i + 2 < remaining && geosearch && !byBox) {
                radius(c, a + 1, shape);
                byRadius = true;
                i += 2;
            } else if (c.is(a, "bybox") && i + 3 < remaining && geosearch && !byRadius) {
                double w = ZsetArgs.doubleArg(c, a + 1, "ERR need numeric width");
                double h = ZsetArgs.doubleArg(c, a + 2, "ERR need numeric height");
                if (h < 0 || w < 0) {
                    throw c.error("ERR height or width cannot be negative");
                }
                shape.width = w;
                shape.height = h;
                shape.conversion = unit(c, a + 3);
                shape.box = true;
                byBox = true;
                i += 3;
            } else {
                throw c.error(Errors.SYNTAX);
            }
        }
        if (storeKey != null && (withDist || withHash || withCoord)) {
            throw c.error("ERR " + (kind == Kind.SEARCH_STORE ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS")
                    + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
        }
        if (geosearch && !(fromMember || fromLoc)) {
            throw c.error("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " + c.text(0));
        }
        if (geosearch && !(byRadius || byBox)) {
            throw c.error("ERR exactly one of BYRADIUS and BYBOX can be specified for " + c.text(0));
        }
        if (any && count == 0) {
            throw c.error("ERR the ANY argument requires COUNT argument");
        }
        if (z == null) {
            if (storeKey != null) {
                c.db().remove(storeKey);
                c.reply().integer(0);
            } else {
                c.reply().array(0);
            }
            return;
        }
        if (count != 0 && sort == 0 && !any) {
            sort = 1;
        }
        List<Point> found = new ArrayList<>();
        collect(z, shape, any ? count : 0, found);
        if (sort != 0) {
            Comparator<Point> byDist = Comparator.comparingDouble(Point::dist);
            found.sort(sort > 0 ? byDist : byDist.reversed());
        }
        int returned = (int) (count == 0 || found.size() < count ? found.size() : count);
        if (storeKey == null) {
            int options = (withDist ? 1 : 0) + (withHash ? 1 : 0) + (withCoord ? 1 : 0);
            c.reply().array(returned);
            for (int i = 0; i < returned; i++) {
                Point p = found.get(i);
                if (options > 0) {
                    c.reply().array(options + 1);
                }
                c.reply().bulk(p.member());
                if (withDist) {
                    c.reply().bulkText(GeoHash.distanceText(p.dist() / shape.conversion));
                }
                if (withHash) {
                    c.reply().integer((long) p.score());
                }
                if (withCoord) {
                    c.reply().array(2);
                    c.reply().doubleText(GeoHash.coordinateText(p.lon()));
                    c.reply().doubleText(GeoHash.coordinateText(p.lat()));
                }
            }
            return;
        }
        ZRangeCommands.Result r = new ZRangeCommands.Result();
        for (int i = 0; i < returned; i++) {
            Point p = found.get(i);
            r.add(p.member(), storeDist ? p.dist() / shape.conversion : p.score());
        }
        ZRangeCommands.storeResult(c, storeKey, r);
    }
}
