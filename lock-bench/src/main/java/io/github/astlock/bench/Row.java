package io.github.astlock.bench;

/**
 * One line of the results table: a figure measured for astlock beside the C reference (or
 * another independent tool) in the same run, their ratio, the target and whether it is met.
 *
 * @param figure    what was measured
 * @param ours      astlock's value, with its unit
 * @param reference the C reference's (or other tool's) value, with its unit, or "–"
 * @param ratio     ours divided by the reference, or "–"
 * @param target    the target, or "–" when the row is for information
 * @param met       "yes", "no" or "–"
 */
public record Row(String figure, String ours, String reference, String ratio, String target, String met) {

    /**
     * A row without a target.
     *
     * @param figure    what was measured
     * @param ours      astlock's value
     * @param reference the reference's value
     * @param ratio     their ratio
     * @return the row
     */
    public static Row info(String figure, String ours, String reference, String ratio) {
        return new Row(figure, ours, reference, ratio, "–", "–");
    }

    /**
     * A row with a target.
     *
     * @param figure    what was measured
     * @param ours      astlock's value
     * @param reference the reference's value
     * @param ratio     their ratio
     * @param target    the target in words
     * @param met       whether the target is met
     * @return the row
     */
    public static Row target(String figure, String ours, String reference, String ratio, String target, boolean met) {
        return new Row(figure, ours, reference, ratio, target, met ? "yes" : "**no**");
    }

    /**
     * Returns the row as a line of a Markdown table.
     *
     * @return the row as a line of a Markdown table
     */
    public String markdown() {
        return "| " + String.join(" | ", figure, ours, reference, ratio, target, met) + " |";
    }
}
