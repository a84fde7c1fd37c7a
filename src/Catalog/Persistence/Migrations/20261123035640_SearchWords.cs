using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Marketplace.Catalog.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class SearchWords : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "search_words",
                schema: "catalog",
                columns: table => new
                {
                    word = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_search_words", x => x.word);
                });

            migrationBuilder.CreateIndex(
                name: "ix_search_words_word",
                schema: "catalog",
                table: "search_words",
                column: "word")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            // The typo dictionary follows the products: row triggers add the words of new rows and of rows whose
            // search text changed (a bulk loader sets catalog.bulk_load for its session and rebuilds once instead).
            migrationBuilder.Sql("""
                CREATE FUNCTION catalog.remember_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO catalog.search_words (word)
                    SELECT w FROM unnest(tsvector_to_array(NEW.search_vector)) w
                    WHERE length(w) >= 3 AND w ~ '[[:alpha:]]'
                    ON CONFLICT DO NOTHING;
                    RETURN NULL;
                END $$;

                CREATE TRIGGER products_search_words_insert AFTER INSERT ON catalog.products
                    FOR EACH ROW WHEN (current_setting('catalog.bulk_load', true) IS DISTINCT FROM 'on')
                    EXECUTE FUNCTION catalog.remember_search_words();

                CREATE TRIGGER products_search_words_update AFTER UPDATE OF title, brand_name, attributes_text, description_text ON catalog.products
                    FOR EACH ROW WHEN (current_setting('catalog.bulk_load', true) IS DISTINCT FROM 'on' AND OLD.search_vector IS DISTINCT FROM NEW.search_vector)
                    EXECUTE FUNCTION catalog.remember_search_words();

                INSERT INTO catalog.search_words (word)
                SELECT word FROM ts_stat('SELECT search_vector FROM catalog.products')
                WHERE length(word) >= 3 AND word ~ '[[:alpha:]]'
                ON CONFLICT DO NOTHING;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER products_search_words_update ON catalog.products;
                DROP TRIGGER products_search_words_insert ON catalog.products;
                DROP FUNCTION catalog.remember_search_words();
                """);

            migrationBuilder.DropTable(
                name: "search_words",
                schema: "catalog");
        }
    }
}
