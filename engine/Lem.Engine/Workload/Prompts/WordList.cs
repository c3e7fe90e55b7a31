namespace Lem.Engine.Workload.Prompts;

/// <summary>Common English words that synthetic prompts are drawn from.</summary>
internal static class WordList
{
    public static readonly string[] Words =
    [
        "the", "river", "morning", "light", "across", "small", "village", "people", "carried", "water",
        "before", "market", "opened", "every", "house", "kept", "garden", "where", "children", "played",
        "under", "old", "trees", "while", "their", "parents", "talked", "about", "weather", "harvest",
        "road", "north", "led", "through", "hills", "toward", "city", "known", "for", "bridges",
        "stone", "towers", "music", "evening", "travellers", "stopped", "at", "inn", "near", "gate",
        "asked", "news", "from", "south", "because", "letters", "took", "weeks", "arrive", "winter",
        "snow", "covered", "fields", "farmers", "repaired", "tools", "wrote", "plans", "spring", "planting",
        "teacher", "explained", "numbers", "maps", "stars", "students", "counted", "ships", "harbour", "sailed",
        "west", "islands", "birds", "followed", "coast", "fishermen", "mended", "nets", "sang", "songs",
        "baker", "made", "bread", "cheese", "apples", "honey", "sold", "quickly", "clock", "square",
        "struck", "noon", "everyone", "paused", "listen", "bells", "then", "returned", "work", "until",
        "sunset", "painted", "sky", "orange", "purple", "lamps", "were", "lit", "one", "by",
        "library", "held", "books", "history", "science", "poems", "written", "long", "ago", "careful",
        "hands", "machine", "turned", "slowly", "engine", "measured", "energy", "power", "signal", "answer",
    ];
}
