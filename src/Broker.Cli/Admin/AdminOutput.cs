using System.Text;
using System.Text.Json;
using Broker.Cli.Admin.Api;
using Spectre.Console;

namespace Broker.Cli.Admin;

/// <summary>
/// How admin commands print: <c>--json</c> prints the API's JSON (indented); otherwise lists are
/// Spectre.Console tables on a terminal and plain aligned lines (one row per line, a header first)
/// when piped, and single objects are <c>name: value</c> lines.
/// </summary>
internal sealed class AdminOutput(TextWriter writer, bool json, bool terminal)
{
    /// <summary>True when the API's JSON is printed instead of text.</summary>
    public bool Json { get; } = json;

    public Task WriteLineAsync(string line) => writer.WriteLineAsync(line);

    /// <summary>The reply's JSON with <c>--json</c>, else its text by <paramref name="text"/>.</summary>
    public Task PrintAsync<T>(ApiReply<T> reply, Func<T, Task> text) => Json ? WriteJsonAsync(reply.Json) : text(reply.Value);

    /// <summary>The JSON text the broker sent, indented.</summary>
    public async Task WriteJsonAsync(string json)
    {
        using var document = JsonDocument.Parse(json);
        using var buffer = new MemoryStream();
        using (var jsonWriter = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            document.WriteTo(jsonWriter);
        }

        await writer.WriteLineAsync(Encoding.UTF8.GetString(buffer.ToArray())).ConfigureAwait(false);
    }

    public async Task WriteTableAsync(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        if (terminal)
        {
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var header in headers)
            {
                table.AddColumn(Markup.Escape(header));
            }

            foreach (var row in rows)
            {
                table.AddRow([.. row.Select(cell => new Text(cell))]);
            }

            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
            console.Write(table);
            return;
        }

        var lines = rows.Prepend(headers).ToList();
        var widths = headers.Select((_, column) => lines.Max(line => line[column].Length)).ToArray();
        foreach (var line in lines)
        {
            var cells = line.Select((cell, column) => column == line.Count - 1 ? cell : cell.PadRight(widths[column]));
            await writer.WriteLineAsync(string.Join("  ", cells).TrimEnd()).ConfigureAwait(false);
        }
    }

    public async Task WriteFieldsAsync(IReadOnlyList<(string Name, string Value)> fields)
    {
        var width = fields.Max(field => field.Name.Length) + 2;
        foreach (var (name, value) in fields)
        {
            await writer.WriteLineAsync($"{(name + ":").PadRight(width)}{value}").ConfigureAwait(false);
        }
    }
}
