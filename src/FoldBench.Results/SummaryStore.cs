using System.Text.Json;
using FoldBench.Platform;

namespace FoldBench.Results;

/// <summary>Reads and writes <c>summary.json</c>. Writes are atomic; reads reject foreign or truncated files clearly.</summary>
public static class SummaryStore
{
    public const string FileName = "summary.json";

    public static string Serialize(RunSummary summary) => JsonSerializer.Serialize(summary, SummaryJsonContext.Default.RunSummary);

    public static void Write(string path, RunSummary summary) => AtomicFile.WriteAllText(path, Serialize(summary));

    /// <summary>Reads a summary from a file, or from a results folder holding summary.json.</summary>
    public static RunSummary Read(string path)
    {
        string file = Directory.Exists(path) ? Path.Combine(path, FileName) : path;
        if (!File.Exists(file))
            throw new ResultsFormatException(Directory.Exists(path)
                ? $"'{path}' is not a FoldBench results folder (no {FileName})"
                : $"results file '{path}' does not exist");
        return Parse(File.ReadAllText(file), file);
    }

    public static RunSummary Parse(string json, string source = "summary")
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new ResultsFormatException($"'{source}' is not valid JSON (truncated or corrupt): {e.Message}"); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object ||
                !doc.RootElement.TryGetProperty("schema", out var schema) || schema.ValueKind != JsonValueKind.String)
                throw new ResultsFormatException($"'{source}' is not a FoldBench summary (no \"schema\" field)");
            if (schema.GetString() != RunSummary.SchemaId)
                throw new ResultsFormatException($"'{source}' has schema \"{schema.GetString()}\", expected \"{RunSummary.SchemaId}\"");
        }
        RunSummary? summary;
        try { summary = JsonSerializer.Deserialize(json, SummaryJsonContext.Default.RunSummary); }
        catch (JsonException e) { throw new ResultsFormatException($"'{source}' has a malformed field: {e.Message}"); }
        if (summary is null || summary.Cases is null || summary.Machine is null)
            throw new ResultsFormatException($"'{source}' is missing its \"machine\" or \"cases\"");
        return summary;
    }
}

/// <summary>A results file that is missing, foreign, truncated or malformed.</summary>
public sealed class ResultsFormatException(string message) : Exception(message);
