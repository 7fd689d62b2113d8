// Input for the biome fixtures in this folder (written for the test corpus).
var total = 0;

function addItem(cart, item) {
  if (item.price == null) {
    debugger;
  }
  var unused = 1;
  cart.items.push(item);
  total = total + item.price;
  return cart;
}

function applyDiscount(cart, code) {
  if (code = "SUMMER") {
    return cart;
  }
  return cart;
}

export { addItem, applyDiscount };
