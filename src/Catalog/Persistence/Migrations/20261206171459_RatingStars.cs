using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Marketplace.Catalog.Persistence.Migrations
{
    /// <summary>
    /// Published reviews per star on the product row, beside its average and count, so a product page reads no review
    /// rows; filled from the reviews once.
    /// </summary>
    public partial class RatingStars : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "rating_stars1",
                schema: "catalog",
                table: "products",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "rating_stars2",
                schema: "catalog",
                table: "products",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "rating_stars3",
                schema: "catalog",
                table: "products",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "rating_stars4",
                schema: "catalog",
                table: "products",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "rating_stars5",
                schema: "catalog",
                table: "products",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            // Every product's published reviews, counted per star once; ProductRatings keeps the counts from here on.
            migrationBuilder.Sql("""
                UPDATE catalog.products p
                   SET rating_stars1 = r.s1, rating_stars2 = r.s2, rating_stars3 = r.s3, rating_stars4 = r.s4, rating_stars5 = r.s5
                  FROM (SELECT product_id,
                               count(*) FILTER (WHERE rating = 1) AS s1, count(*) FILTER (WHERE rating = 2) AS s2,
                               count(*) FILTER (WHERE rating = 3) AS s3, count(*) FILTER (WHERE rating = 4) AS s4,
                               count(*) FILTER (WHERE rating = 5) AS s5
                          FROM catalog.reviews WHERE status = 'Published' GROUP BY product_id) r
                 WHERE p.id = r.product_id;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "rating_stars1",
                schema: "catalog",
                table: "products");

            migrationBuilder.DropColumn(
                name: "rating_stars2",
                schema: "catalog",
                table: "products");

            migrationBuilder.DropColumn(
                name: "rating_stars3",
                schema: "catalog",
                table: "products");

            migrationBuilder.DropColumn(
                name: "rating_stars4",
                schema: "catalog",
                table: "products");

            migrationBuilder.DropColumn(
                name: "rating_stars5",
                schema: "catalog",
                table: "products");
        }
    }
}
