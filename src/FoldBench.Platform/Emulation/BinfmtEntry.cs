using System.Globalization;

namespace FoldBench.Platform.Emulation;

/// <summary>
/// One registered format in /proc/sys/fs/binfmt_misc (the kernel hands a matching executable to <see cref="Interpreter"/>):
/// the file's lines as the kernel writes them — "enabled", "interpreter PATH", "flags: PF", "offset N", "magic HEX", "mask HEX".
/// </summary>
internal sealed record BinfmtEntry(string Name, bool Enabled, string Interpreter, int Offset, byte[] Magic, byte[]? Mask)
{
    /// <summary>Parses an entry file's text; null for an extension-matched entry (no magic) or a text that is not an entry.</summary>
    public static BinfmtEntry? Parse(string name, string text)
    {
        bool enabled = false;
        string? interpreter = null;
        int offset = 0;
        byte[]? magic = null, mask = null;
        foreach (var raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line == "enabled") enabled = true;
            else if (line.StartsWith("interpreter ", StringComparison.Ordinal)) interpreter = line["interpreter ".Length..].Trim();
            else if (line.StartsWith("offset ", StringComparison.Ordinal) && int.TryParse(line["offset ".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out int o)) offset = o;
            else if (line.StartsWith("magic ", StringComparison.Ordinal)) magic = Hex(line["magic ".Length..]);
            else if (line.StartsWith("mask ", StringComparison.Ordinal)) mask = Hex(line["mask ".Length..]);
        }
        if (interpreter is null || magic is null || magic.Length == 0) return null;
        if (mask is not null && mask.Length != magic.Length) return null;
        return new BinfmtEntry(name, enabled, interpreter, offset, magic, mask);
    }

    /// <summary>Whether a file starting with <paramref name="head"/> is one the kernel would hand to this entry's interpreter.</summary>
    public bool Matches(ReadOnlySpan<byte> head)
    {
        if (head.Length < Offset + Magic.Length) return false;
        for (int i = 0; i < Magic.Length; i++)
        {
            byte m = Mask?[i] ?? 0xff;
            if ((head[Offset + i] & m) != (Magic[i] & m)) return false;
        }
        return true;
    }

    private static byte[]? Hex(string s)
    {
        s = s.Trim();
        if (s.Length % 2 != 0) return null;
        try { return Convert.FromHexString(s); }
        catch (FormatException) { return null; }
    }
}
