using FoldBench.Benchmarks.Probes;

namespace FoldBench.Benchmarks.Tests;

/// <summary>instructions.json: a typed document with its source-generated context; its keys and layout as written by hand below.</summary>
public class InstructionsDocumentTests
{
    [Fact]
    public void The_document_is_written_with_the_keys_the_gate_documents()
    {
        var doc = new InstructionsDocument
        {
            Tool = "valgrind-3.19.0",
            CommandLine = "valgrind --tool=callgrind dotnet foldbench.dll kernel-probe",
            Environment = new Dictionary<string, string> { ["DOTNET_TieredCompilation"] = "0" },
            Marker = "Marker",
            Reps = [1, 3],
            ElapsedSeconds = 12.5,
            PhaseInstructions = [100, 300, 100],
            Cases =
            [
                new InstructionsCase
                {
                    FullName = "K.M=1", InstructionsPerOp = 100, InstructionsPerMac = 0.5, PhaseR1 = 100, PhaseR2 = 300,
                    PhaseR1Again = 100, Repeatable = true, Correct = true, MaxAbsError = double.NaN,
                },
            ],
        };
        string expected = """
            {
              "schema": "foldbench-instructions/1",
              "tool": "valgrind-3.19.0",
              "commandLine": "valgrind --tool=callgrind dotnet foldbench.dll kernel-probe",
              "environment": {
                "DOTNET_TieredCompilation": "0"
              },
              "marker": "Marker",
              "reps": [
                1,
                3
              ],
              "elapsedSeconds": 12.5,
              "phaseInstructions": [
                100,
                300,
                100
              ],
              "cases": [
                {
                  "fullName": "K.M=1",
                  "instructionsPerOp": 100,
                  "instructionsPerMac": 0.5,
                  "phaseR1": 100,
                  "phaseR2": 300,
                  "phaseR1Again": 100,
                  "repeatable": true,
                  "correct": true,
                  "maxAbsError": "NaN"
                }
              ]
            }
            """;
        Assert.Equal(expected.ReplaceLineEndings("\n"), doc.ToJson().ReplaceLineEndings("\n"));
    }
}
