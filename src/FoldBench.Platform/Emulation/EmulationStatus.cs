namespace FoldBench.Platform.Emulation;

/// <summary>
/// Whether this process runs translated or emulated rather than on the hardware it targets, which emulator
/// (<c>"qemu-user"</c>, <c>"rosetta-2"</c>, <c>"windows-arm64-x64-emulation"</c>, …) and the evidence, in words,
/// including when the answer is "native" (what was compared) or "unknown" (what could not be read).
/// </summary>
public sealed record EmulationStatus(bool Emulated, string? Emulator, string Evidence)
{
    public static EmulationStatus Native(string evidence) => new(false, null, evidence);
}
