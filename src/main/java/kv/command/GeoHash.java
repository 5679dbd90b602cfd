package kv.command;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Redis' geo arithmetic: 52-bit interleaved geohash scores (26 steps of latitude in the even bits,
 * longitude in the odd bits, over Web Mercator's latitude limits), the haversine distance on
 * Redis' earth radius, the 11-character standard geohash, and the number formats of replies.
 */
final class GeoHash {
    static final double LONG_MIN = -180;
    static final double LONG_MAX = 180;
    static final double LAT_MIN = -85.05112878;
    static final double LAT_MAX = 85.05112878;
    static final int STEP = 26;
    static final double EARTH_RADIUS_M = 6372797.560856;
    private static final double D_R = Math.PI / 180.0;
    private static final char[] ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz".toCharArray();

    private GeoHash() {
    }

    static boolean validLongLat(double lon, double lat) {
        return !(lon < LONG_MIN || lon > LONG_MAX || lat < LAT_MIN || lat > LAT_MAX);
    }

    /** Spreads the 32 bits of {@code v} to the even bit positions. */
    private static long spread(long v) {
        v &= 0xffffffffL;
        v = (v | (v << 16)) & 0x0000FFFF0000FFFFL;
        v = (v | (v << 8)) & 0x00FF00FF00FF00FFL;
        v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0FL;
        v = (v | (v << 2)) & 0x3333333333333333L;
        v = (v | (v << 1)) & 0x5555555555555555L;
        return v;
    }

    /** Gathers the even bits of {@code v}. */
    private static long squash(long v) {
        v &= 0x5555555555555555L;
        v = (v | (v >>> 1)) & 0x3333333333333333L;
        v = (v | (v >>> 2)) & 0x0F0F0F0F0F0F0F0FL;
        v = (v | (v >>> 4)) & 0x00FF00FF00FF00FFL;
        v = (v | (v >>> 8)) & 0x0000FFFF0000FFFFL;
        v = (v | (v >>> 16)) & 0x00000000FFFFFFFFL;
        return v;
    }

    /** The hash bits of (lon, lat) over the given ranges with {@code step} bits per axis. */
    static long encode(double lon, double lat, double lonMin, double lonMax, double latMin, double latMax, int step) {
        double latOffset = (lat - latMin) / (latMax - latMin);
        double lonOffset = (lon - lonMin) / (lonMax - lonMin);
        latOffset *= (double) (1L << step);
        lonOffset *= (double) (1L << step);
        return spread((long) latOffset) | (spread((long) lonOffset) << 1);
    }

    /** The 52-bit score of a valid (lon, lat). */
    static long score(double lon, double lat) {
        return encode(lon, lat, LONG_MIN, LONG_MAX, LAT_MIN, LAT_MAX, STEP);
    }

    /** The centre of the cell a score denotes, as {lon, lat}, clamped to the limits. */
    static double[] decode(long bits) {
        long ilat = squash(bits);
        long ilon = squash(bits >>> 1);
        double latScale = LAT_MAX - LAT_MIN;
        double lonScale = LONG_MAX - LONG_MIN;
        double cells = (double) (1L << STEP);
        double latMinCell = LAT_MIN + (ilat * 1.0 / cells) * latScale;
        double latMaxCell = LAT_MIN + ((ilat + 1) * 1.0 / cells) * latScale;
        double lonMinCell = LONG_MIN + (ilon * 1.0 / cells) * lonScale;
        double lonMaxCell = LONG_MIN + ((ilon + 1) * 1.0 / cells) * lonScale;
        double lon = (lonMinCell + lonMaxCell) / 2;
        double lat = (latMinCell + latMaxCell) / 2;
        lon = Math.min(LONG_MAX, Math.max(LONG_MIN, lon));
        lat = Math.min(LAT_MAX, Math.max(LAT_MIN, lat));
        return new double[] {lon, lat};
    }

    /** The standard 11-character geohash (world ranges, the 11th character always '0'). */
    static String standardHash(double lon, double lat) {
        long bits = encode(lon, lat, -180, 180, -90, 90, STEP);
        char[] out = new char[11];
        for (int i = 0; i < 11; i++) {
            int idx = i == 10 ? 0 : (int) ((bits >>> (52 - (i + 1) * 5)) & 0x1f);
            out[i] = ALPHABET[idx];
        }
        return new String(out);
    }

    static double latDistance(double lat1, double lat2) {
        return EARTH_RADIUS_M * Math.abs(lat2 * D_R - lat1 * D_R);
    }

    /** Haversine distance in meters. */
    static double distance(double lon1, double lat1, double lon2, double lat2) {
        double lon1r = lon1 * D_R;
        double lon2r = lon2 * D_R;
        double v = Math.sin((lon2r - lon1r) / 2);
        if (v == 0.0) {
            return latDistance(lat1, lat2);
        }
        double lat1r = lat1 * D_R;
        double lat2r = lat2 * D_R;
        double u = Math.sin((lat2r - lat1r) / 2);
        double a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
        return 2.0 * EARTH_RADIUS_M * Math.asin(Math.sqrt(a));
    }

    /** C's {@code %.4f}: distances in replies. */
    static String distanceText(double d) {
        return new BigDecimal(d).setScale(4, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** Redis' human long double format ({@code %.17Lf}, trailing zeros and point dropped): coordinates. */
    static String coordinateText(double d) {
        String s = new BigDecimal(d).setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        if (s.indexOf('.') >= 0) {
            int end = s.length();
            while (s.charAt(end - 1) == '0') {
                end--;
            }
            if (s.charAt(end - 1) == '.') {
                end--;
            }
            s = s.substring(0, end);
        }
        return s.equals("-0") ? "0" : s;
    }

    // ---- the cells a search examines (Redis' geohashCalculateAreasByShapeWGS84) ----

    private static final double MERCATOR_MAX = 20037726.37;

    /** A cell: {@code bits} with {@code step} bits per axis; step 0 marks an excluded cell. */
    record Cell(long bits, int step) {
        /** The [min, max) score range of the cell's points. */
        long minScore() {
            return bits << (52 - step * 2);
        }

        long maxScore() {
            return (bits + 1) << (52 - step * 2);
        }
    }

    private static int estimateSteps(double meters, double lat) {
        if (meters == 0) {
            return 26;
        }
        int step = 1;
        while (meters < MERCATOR_MAX) {
            meters *= 2;
            step++;
        }
        step -= 2;
        if (lat > 66 || lat < -66) {
            step--;
            if (lat > 80 || lat < -80) {
                step--;
            }
        }
        return Math.max(1, Math.min(26, step));
    }

    /**
     * Adds d (±1) to the coordinate whose bits sit under axisMask in the interleaved hash: the
     * other axis' bits are filled with ones so the carry (or borrow) skips over them.
     */
    private static long moveAlong(long bits, int step, int d, long axisMask) {
        long moving = bits & axisMask;
        long other = bits & ~axisMask;
        long gaps = ~axisMask >>> (64 - step * 2);
        if (d > 0) {
            moving = moving + (gaps + 1);
        } else {
            moving = moving | gaps;
            moving = moving - (gaps + 1);
        }
        moving &= axisMask >>> (64 - step * 2);
        return moving | other;
    }

    private static long move(long bits, int step, int dx, int dy) {
        if (dx != 0) {
            bits = moveAlong(bits, step, dx, 0xaaaaaaaaaaaaaaaaL);
        }
        if (dy != 0) {
            bits = moveAlong(bits, step, dy, 0x5555555555555555L);
        }
        return bits;
    }

    /** {lonMin, lonMax, latMin, latMax} of a cell. */
    private static double[] area(long bits, int step) {
        long ilat = squash(bits);
        long ilon = squash(bits >>> 1);
        double cells = (double) (1L << step);
        double latScale = LAT_MAX - LAT_MIN;
        double lonScale = LONG_MAX - LONG_MIN;
        return new double[] {
            LONG_MIN + (ilon * 1.0 / cells) * lonScale, LONG_MIN + ((ilon + 1) * 1.0 / cells) * lonScale,
            LAT_MIN + (ilat * 1.0 / cells) * latScale, LAT_MIN + ((ilat + 1) * 1.0 / cells) * latScale};
    }

    /** Neighbour offsets in Redis' order: centre, N, S, E, W, NE, NW, SE, SW. */
    private static final int[][] AROUND = {{0, 0}, {0, 1}, {0, -1}, {1, 0}, {-1, 0}, {1, 1}, {-1, 1}, {1, -1}, {-1, -1}};

    /**
     * The nine cells around (lon, lat) covering a search reaching {@code halfWidthM} east-west,
     * {@code halfHeightM} north-south and {@code radiusM} from the centre, the useless ones
     * marked with step 0, in the order Redis scans them.
     */
    static Cell[] searchCells(double lon, double lat, double halfWidthM, double halfHeightM, double radiusM) {
        double latDelta = Math.toDegrees(halfHeightM / EARTH_RADIUS_M);
        double lonDeltaTop = Math.toDegrees(halfWidthM / EARTH_RADIUS_M / Math.cos((lat + latDelta) * D_R));
        double lonDeltaBottom = Math.toDegrees(halfWidthM / EARTH_RADIUS_M / Math.cos((lat - latDelta) * D_R));
        boolean south = lat < 0;
        double minLon = south ? lon - lonDeltaBottom : lon - lonDeltaTop;
        double maxLon = south ? lon + lonDeltaBottom : lon + lonDeltaTop;
        double minLat = lat - latDelta;
        double maxLat = lat + latDelta;
        int steps = estimateSteps(radiusM, lat);
        long hash = encode(lon, lat, LONG_MIN, LONG_MAX, LAT_MIN, LAT_MAX, steps);
        boolean decrease = area(move(hash, steps, 0, 1), steps)[3] < maxLat
                || area(move(hash, steps, 0, -1), steps)[2] > minLat
                || area(move(hash, steps, 1, 0), steps)[1] < maxLon
                || area(move(hash, steps, -1, 0), steps)[0] > minLon;
        if (steps > 1 && decrease) {
            steps--;
            hash = encode(lon, lat, LONG_MIN, LONG_MAX, LAT_MIN, LAT_MAX, steps);
        }
        double[] a = area(hash, steps);
        Cell[] cells = new Cell[9];
        for (int i = 0; i < 9; i++) {
            int dx = AROUND[i][0];
            int dy = AROUND[i][1];
            boolean useless = steps >= 2 && ((dy < 0 && a[2] < minLat) || (dy > 0 && a[3] > maxLat)
                    || (dx < 0 && a[0] < minLon) || (dx > 0 && a[1] > maxLon));
            cells[i] = useless ? new Cell(0, 0) : new Cell(move(hash, steps, dx, dy), steps);
        }
        return cells;
    }
}
