gb = Growthbook::Context.new(features: features, attributes: { id: '123' })
if gb.feature_on?('ruby-dark-mode')
  color = gb.get_feature_value('ruby-button-color', 'blue')
end
legacy = gb.on? :ruby_legacy_layout
