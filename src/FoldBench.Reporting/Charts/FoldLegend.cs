using ScottPlot;

namespace FoldBench.Reporting.Charts;

/// <summary>How fold factors are named and coloured everywhere: N = 1 is the unfolded baseline.</summary>
internal static class FoldLegend
{
    public static string Label(int fold) => fold == 1 ? "N = 1 (unfolded)" : $"N = {fold} (folded)";

    public static Color Color(IReadOnlyList<int> folds, int fold) => ChartStyle.ColorAt(folds.ToList().IndexOf(fold));

    public static MarkerShape Marker(IReadOnlyList<int> folds, int fold) => ChartStyle.MarkerAt(folds.ToList().IndexOf(fold));
}
