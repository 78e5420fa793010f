namespace FoldBench.Reporting.Charts;

/// <summary>One chart of a report: where it goes, what it is called, and how it is drawn.</summary>
internal interface IChart
{
    /// <summary>File name without extension, e.g. "memory-encoder"; written as .png and .svg.</summary>
    string FileStem { get; }
    /// <summary>The figure title, also the alt text in report.md.</summary>
    string Title { get; }
    /// <summary>Which report section embeds it (a sweep group's suffix, or "kernels").</summary>
    string Section { get; }
    Figure Draw();
}
